import { StatementView } from '../../components/earnings/StatementView';

/** A statement as finance reads it (previews too), line by line, with its CSV. */
export default function StatementPage() {
  return <StatementView workspace="finance" />;
}
