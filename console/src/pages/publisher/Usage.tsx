import { PageHeader } from '../../components/PageHeader';

export default function Usage() {
  return <PageHeader title="Usage" description="This page is being built (issue 18)." />;
}
