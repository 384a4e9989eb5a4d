import { PageHeader } from '../../components/PageHeader';

export default function Statement() {
  return <PageHeader title="Statement" description="This page is being built (issue 18)." />;
}
