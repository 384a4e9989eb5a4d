import { AgreementsTable } from '../../components/licensing/AgreementsTable';
import { PageHeader } from '../../components/PageHeader';

export default function Agreements() {
  return (
    <>
      <PageHeader
        title="Agreements"
        description="Each licensee's agreements on your offers: the terms' version they are on, and the amendments you proposed that wait for them."
      />
      <AgreementsTable workspace="publisher" />
    </>
  );
}
