import { StatementView } from '../../components/earnings/StatementView';

/** One of the publisher's payees' statements (posted runs only), line by line, with its CSV. */
export default function Statement() {
  return <StatementView workspace="publisher" />;
}
