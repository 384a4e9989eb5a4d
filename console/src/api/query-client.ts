import { QueryClient } from '@tanstack/react-query';
import { isProblem } from './problem';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A refusal (4xx) is an answer, not a glitch: retrying it changes nothing.
      retry: (failures, error) =>
        failures < 2 && !(isProblem(error) && error.status < 500 && error.status > 0),
      refetchOnWindowFocus: false,
    },
    // Mutations never retry on their own: a money-moving action is repeated only by the user,
    // with the same idempotency key.
    mutations: { retry: false },
  },
});
