import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

/**
 * A confirmation before an action that moves money or stops it: what will happen, in figures,
 * then one button. The button is disabled while the request is out, so a double click sends one;
 * a refusal is shown in the API's words and leaves the dialog open.
 */
export function ConfirmAction({
  opened,
  onClose,
  title,
  children,
  confirmLabel,
  color,
  pending,
  error,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} closeOnClickOutside={!pending}>
      <Stack>
        {children}
        <ProblemAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Back
          </Button>
          <Button
            color={color}
            loading={pending}
            disabled={pending}
            onClick={() => {
              if (!pending) onConfirm();
            }}
            data-autofocus
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
