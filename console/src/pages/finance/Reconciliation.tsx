import { PageHeader } from '../../components/PageHeader';

// Placeholder until the page is built (issue 17).
export default function Reconciliation() {
  return <PageHeader title="Reconciliation" />;
}
