import { PageHeader } from '../../components/PageHeader';

export default function Works() {
  return <PageHeader title="Catalogue" description="This page is being built (issue 18)." />;
}
