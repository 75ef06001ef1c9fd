import type { TFunction } from 'i18next';

// The friendly alternative to `/yishi poll question | option | option --hours 72 ...` and `/yishi ownersvote
// <ordinary|major> question --hours 336`: modals whose answers become exactly that command text, so the rules stay
// in one place (the polls capability's parser and use-case).

export const pollModalId = 'yishi.poll';
export const ownersVoteModalId = 'yishi.ownersvote';

type Values = Record<string, Record<string, { value?: string | null; selected_options?: Array<{ value: string }> }>>;

const input = (id: string, label: string, element: Record<string, unknown>, optional = false) => ({
  type: 'input',
  block_id: id,
  label: { type: 'plain_text', text: label },
  optional,
  element: { action_id: id, ...element },
});

/** A modal whose submission stands for a command typed in `channel` (given back in its private metadata). */
const modal = (t: TFunction, callbackId: string, titleKey: string, channel: { id: string; name?: string }, blocks: unknown[]) => ({
  type: 'modal',
  callback_id: callbackId,
  private_metadata: JSON.stringify(channel),
  title: { type: 'plain_text', text: t(titleKey) },
  submit: { type: 'plain_text', text: t('slack:poll.submit') },
  close: { type: 'plain_text', text: t('slack:poll.close') },
  blocks,
});

/** The modal for `/yishi poll` typed with nothing after it, in the member's language; `channel` comes back on submit. */
export function pollModal(t: TFunction, channel: { id: string; name?: string }): Record<string, unknown> {
  return modal(t, pollModalId, 'slack:poll.title', channel, [
    input('question', t('slack:poll.question'), { type: 'plain_text_input', max_length: 500 }),
    input('options', t('slack:poll.options'), { type: 'plain_text_input', multiline: true, max_length: 1500 }),
    input('hours', t('slack:poll.hours'), { type: 'number_input', is_decimal_allowed: false, min_value: '1' }, true),
    input('quorum', t('slack:poll.quorum'), { type: 'number_input', is_decimal_allowed: false, min_value: '1', max_value: '100' }, true),
    input(
      'flags',
      t('slack:poll.flags'),
      {
        type: 'checkboxes',
        options: [
          { text: { type: 'plain_text', text: t('slack:poll.multi') }, value: 'multi' },
          { text: { type: 'plain_text', text: t('slack:poll.secret') }, value: 'secret' },
        ],
      },
      true,
    ),
  ]);
}

/** The modal for `/yishi ownersvote` typed with nothing after it: the matter's class, the question, the hours. */
export function ownersVoteModal(t: TFunction, channel: { id: string; name?: string }): Record<string, unknown> {
  const option = (value: 'ordinary' | 'major') => ({ text: { type: 'plain_text', text: t(`slack:ownersvote.${value}`) }, value });
  return modal(t, ownersVoteModalId, 'slack:ownersvote.title', channel, [
    input('matter', t('slack:ownersvote.matter'), {
      type: 'static_select',
      options: [option('ordinary'), option('major')],
      initial_option: option('ordinary'),
    }),
    input('question', t('slack:poll.question'), { type: 'plain_text_input', max_length: 500 }),
    input('hours', t('slack:ownersvote.hours'), { type: 'number_input', is_decimal_allowed: false, min_value: '1' }, true),
  ]);
}

/** A submitted owners'-vote modal as the command text it stands for (`/ownersvote major question --hours 336`). */
export function ownersVoteCommandText(values: Values & { matter?: { matter?: { selected_option?: { value: string } } } }): string {
  const text = (id: string) => (values[id]?.[id]?.value ?? '').trim();
  const matter = values.matter?.matter?.selected_option?.value === 'major' ? 'major' : 'ordinary';
  return [`/ownersvote ${matter} ${text('question').replace(/\s+--/g, ' —')}`, ...(text('hours') ? [`--hours ${text('hours')}`] : [])].join(
    ' ',
  );
}

/** A submitted poll modal as the command text it stands for (`/poll question | a | b --hours 48 --multi`). */
export function pollCommandText(values: Values): string {
  const text = (id: string) => (values[id]?.[id]?.value ?? '').trim();
  // A "|" typed inside a question or an option would split it: shown as the full-width bar, which reads the same.
  const clean = (part: string) => part.replace(/[|｜]/g, '¦').replace(/\s+--/g, ' —');
  const options = text('options')
    .split('\n')
    .map((line) => clean(line.trim()))
    .filter(Boolean);
  const flags = (values.flags?.flags?.selected_options ?? []).map((option) => option.value);
  return [
    `/poll ${clean(text('question'))}`,
    ...options.map((option) => `| ${option}`),
    ...(text('hours') ? [`--hours ${text('hours')}`] : []),
    ...(text('quorum') ? [`--quorum ${text('quorum')}%`] : []),
    ...(flags.includes('multi') ? ['--multi'] : []),
    ...(flags.includes('secret') ? ['--secret'] : []),
  ].join(' ');
}
