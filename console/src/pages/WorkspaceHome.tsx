import { Navigate } from 'react-router';
import { homeOf } from '../session/session';
import { useSession } from '../session/session-context';

/** `/` goes to the principal's own workspace. */
export function WorkspaceHome() {
  const session = useSession();
  return <Navigate to={homeOf(session.principal.role)} replace />;
}
