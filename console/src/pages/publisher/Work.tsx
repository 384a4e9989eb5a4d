import { PageHeader } from '../../components/PageHeader';

export default function Work() {
  return <PageHeader title="Work" description="This page is being built (issue 18)." />;
}
