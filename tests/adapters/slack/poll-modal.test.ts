import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/adapters/shared/parse-command.js';
import { ownersVoteCommandText, pollCommandText } from '../../../src/adapters/slack/poll-modal.js';

const values = (fields: { question: string; options: string; hours?: string; quorum?: string; flags?: string[] }) => ({
  question: { question: { value: fields.question } },
  options: { options: { value: fields.options } },
  hours: { hours: { value: fields.hours ?? null } },
  quorum: { quorum: { value: fields.quorum ?? null } },
  flags: { flags: { selected_options: (fields.flags ?? []).map((value) => ({ value })) } },
});

describe('pollCommandText', () => {
  it('gives the poll command the modal stands for, parsed by the polls capability as if typed', () => {
    const text = pollCommandText(
      values({ question: '周末去哪里？', options: '公园\n\n 博物馆 \n', hours: '48', quorum: '30', flags: ['multi', 'secret'] }),
    );
    expect(parseCommand(text)).toEqual({
      type: 'poll.create',
      question: '周末去哪里？',
      options: ['公园', '博物馆'],
      hours: 48,
      multi: true,
      secret: true,
      quorumPercent: 30,
    });
  });

  it('keeps a typed bar or double dash inside the question and options from splitting them or setting flags', () => {
    const action = parseCommand(pollCommandText(values({ question: 'A | B --secret?', options: 'x|y\nz --multi' })));
    expect(action).toMatchObject({ type: 'poll.create', options: ['x¦y', 'z —multi'], multi: false, secret: false });
    expect(action).toMatchObject({ question: 'A ¦ B —secret?' });
  });

  it('leaves empty fields to the poll rules, which refuse them as they refuse a typed command (poll_question_empty)', () => {
    expect(parseCommand(pollCommandText(values({ question: '', options: '' })))).toEqual({
      type: 'poll.create',
      question: '',
      options: [],
      multi: false,
      secret: false,
    });
  });
});

describe('ownersVoteCommandText', () => {
  it('gives the owners’ vote command the modal stands for', () => {
    const values = (matter: string, question: string, hours: string | null) => ({
      matter: { matter: { selected_option: { value: matter } } },
      question: { question: { value: question } },
      hours: { hours: { value: hours } },
    });
    expect(parseCommand(ownersVoteCommandText(values('major', '更换电梯 --hours 1', '240') as never))).toEqual({
      type: 'poll.create_owners_vote',
      matterClass: 'major',
      question: '更换电梯 —hours 1',
      hours: 240,
    });
    expect(parseCommand(ownersVoteCommandText(values('anything', '续聘物业', null) as never))).toEqual({
      type: 'poll.create_owners_vote',
      matterClass: 'ordinary',
      question: '续聘物业',
    });
  });
});
