import { PageHeader } from '../../components/PageHeader';

export default function Statements() {
  return <PageHeader title="Statements" description="This page is being built (issue 18)." />;
}
