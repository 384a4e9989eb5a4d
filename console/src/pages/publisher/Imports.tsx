import { PageHeader } from '../../components/PageHeader';

export default function Imports() {
  return <PageHeader title="Imports" description="This page is being built (issue 18)." />;
}
