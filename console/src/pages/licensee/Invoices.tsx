import { PageHeader } from '../../components/PageHeader';

export default function Invoices() {
  return <PageHeader title="Invoices" description="This page is being built (issue 18)." />;
}
