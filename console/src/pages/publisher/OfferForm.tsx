import { PageHeader } from '../../components/PageHeader';

export default function OfferForm() {
  return <PageHeader title="New offer" description="This page is being built (issue 18)." />;
}
