import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { isProblem } from '../api/problem';
import { ProblemAlert } from '../components/ProblemAlert';
import { homeOf, safeNext, signIn } from '../session/session';
import { SESSION_KEY } from '../session/session-context';

/** Sign in once with an API key; the API answers with a session cookie and the key is forgotten. */
export function SignIn() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const form = useForm({ initialValues: { apiKey: '' } });
  const submit = useMutation({
    mutationFn: (apiKey: string) => signIn(apiKey),
    onSuccess: (session) => {
      form.reset();
      queries.setQueryData(SESSION_KEY, session);
      void navigate(safeNext(params.get('next')) ?? homeOf(session.principal.role), {
        replace: true,
      });
    },
  });
  const keyError = isProblem(submit.error)
    ? (submit.error.fieldMessages('apiKey') ??
      (submit.error.status === 401 ? submit.error.detail : undefined))
    : undefined;

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper withBorder shadow="xs" p="xl" w={420} component="main">
        <form onSubmit={form.onSubmit(({ apiKey }) => submit.mutate(apiKey.trim()))}>
          <Stack>
            <div>
              <Title order={1} size="h3">
                Rights Ledger
              </Title>
              <Text c="dimmed" size="sm">
                Sign in with your API key. It is exchanged for a session and not kept in this
                browser.
              </Text>
            </div>
            {params.get('expired') === '1' && (
              <Alert color="yellow" variant="light" title="Your session ended">
                Sign in again to return to the page you were on.
              </Alert>
            )}
            <PasswordInput
              label="API key"
              required
              autoComplete="off"
              spellCheck={false}
              data-autofocus
              {...form.getInputProps('apiKey')}
              // After the form's props: the API's refusal is the field's error.
              error={keyError}
            />
            {submit.error && !(isProblem(submit.error) && submit.error.status === 401) && (
              <ProblemAlert error={submit.error} shownFields={['apiKey']} />
            )}
            <Button
              type="submit"
              loading={submit.isPending}
              disabled={form.values.apiKey.trim() === ''}
            >
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
