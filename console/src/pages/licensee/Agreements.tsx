import { AgreementsTable } from '../../components/licensing/AgreementsTable';
import { PageHeader } from '../../components/PageHeader';

export default function Agreements() {
  return (
    <>
      <PageHeader
        title="Agreements"
        description="Your licences: the terms you accepted, amendments waiting for you, and when each ends."
      />
      <AgreementsTable workspace="licensee" />
    </>
  );
}
