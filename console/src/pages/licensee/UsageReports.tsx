import { PageHeader } from '../../components/PageHeader';

export default function UsageReports() {
  return <PageHeader title="Usage reports" description="This page is being built (issue 18)." />;
}
