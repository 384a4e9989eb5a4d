import { PageHeader } from '../../components/PageHeader';

// Placeholder until the page is built (issue 17).
export default function RoyaltyRun() {
  return <PageHeader title="RoyaltyRun" />;
}
