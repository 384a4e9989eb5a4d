import { PageHeader } from '../../components/PageHeader';

export default function Payee() {
  return <PageHeader title="Payee" description="This page is being built (issue 18)." />;
}
