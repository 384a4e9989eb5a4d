import { PageHeader } from '../../components/PageHeader';

export default function Offer() {
  return <PageHeader title="Offer" description="This page is being built (issue 18)." />;
}
