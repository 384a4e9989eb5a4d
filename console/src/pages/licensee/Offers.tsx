import { PageHeader } from '../../components/PageHeader';

export default function Offers() {
  return <PageHeader title="Offers" description="This page is being built (issue 18)." />;
}
