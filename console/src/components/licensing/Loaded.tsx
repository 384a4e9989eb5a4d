import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { isProblem } from '../../api/problem';
import { PageLoader } from '../../layout/PageLoader';
import { NotFound } from '../../pages/NotFound';
import { PageHeader } from '../PageHeader';
import { ProblemAlert } from '../ProblemAlert';

/**
 * A detail page's resource: a loader while it comes, the Not found page for a 404 (unknown, or
 * another organization's: the API does not tell them apart), the problem in words otherwise.
 */
export function Loaded<T>({
  query,
  what,
  title,
  children,
}: {
  query: UseQueryResult<T>;
  what: string;
  title: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <PageLoader />;
  if (isProblem(query.error) && query.error.status === 404) return <NotFound what={what} />;
  if (query.error || query.data === undefined) {
    return (
      <>
        <PageHeader title={title} />
        <ProblemAlert error={query.error} />
      </>
    );
  }
  return <>{children(query.data)}</>;
}
