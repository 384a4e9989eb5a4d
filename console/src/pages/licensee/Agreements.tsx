import { PageHeader } from '../../components/PageHeader';

export default function Agreements() {
  return <PageHeader title="Agreements" description="This page is being built (issue 18)." />;
}
