import { PageHeader } from '../../components/PageHeader';

export default function Home() {
  return <PageHeader title="Home" description="This page is being built (issue 18)." />;
}
