import { PageHeader } from '../../components/PageHeader';

export default function UsageReport() {
  return <PageHeader title="Usage report" description="This page is being built (issue 18)." />;
}
