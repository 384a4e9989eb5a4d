import { Alert, List, Text } from '@mantine/core';
import { ApiProblem } from '../api/problem';

/**
 * A refused request in words: the API's title and detail, each field error (those a form shows
 * beside its field are left out), and the request id small, to quote to support.
 */
export function ProblemAlert({
  error,
  shownFields = [],
}: {
  error: unknown;
  shownFields?: string[];
}) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : new ApiProblem(0, null);
  const fieldErrors = problem.errors.filter((e) => !shownFields.includes(e.field));
  return (
    <Alert color="red" variant="light" title={problem.title} role="alert">
      <Text size="sm">{problem.detail}</Text>
      {fieldErrors.length > 0 && (
        <List size="sm" mt={4}>
          {fieldErrors.map((e) => (
            <List.Item key={e.field}>
              <Text span fw={600} size="sm">
                {e.field}
              </Text>
              : {e.messages.join('; ')}
            </List.Item>
          ))}
        </List>
      )}
      {problem.requestId && (
        <Text size="xs" c="dimmed" mt={4}>
          Request {problem.requestId}
        </Text>
      )}
    </Alert>
  );
}
