import { PageHeader } from '../../components/PageHeader';

export default function Agreement() {
  return <PageHeader title="Agreement" description="This page is being built (issue 18)." />;
}
