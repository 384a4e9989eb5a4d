import { PageHeader } from '../../components/PageHeader';

export default function Import() {
  return <PageHeader title="Import" description="This page is being built (issue 18)." />;
}
