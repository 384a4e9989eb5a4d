import { PageHeader } from '../../components/PageHeader';

export default function WorkForm() {
  return <PageHeader title="Register a work" description="This page is being built (issue 18)." />;
}
