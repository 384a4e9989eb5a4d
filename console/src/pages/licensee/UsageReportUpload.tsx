import { PageHeader } from '../../components/PageHeader';

export default function UsageReportUpload() {
  return (
    <PageHeader title="Upload a usage report" description="This page is being built (issue 18)." />
  );
}
