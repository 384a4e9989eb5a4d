import { PageHeader } from '../../components/PageHeader';

export default function Payees() {
  return <PageHeader title="Payees" description="This page is being built (issue 18)." />;
}
