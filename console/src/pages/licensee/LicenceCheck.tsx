import { PageHeader } from '../../components/PageHeader';

export default function LicenceCheck() {
  return <PageHeader title="Licence check" description="This page is being built (issue 18)." />;
}
