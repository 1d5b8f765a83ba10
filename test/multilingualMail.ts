/**
 * A small multilingual collection whose right answers are known by hand: English word forms, French
 * with accents, Chinese and Japanese written without spaces (languages.test.ts, staticSearch.test.ts).
 */
export const MAIL: ReadonlyArray<{ readonly subject: string; readonly body: string }> = [
  /* 1 */ { subject: 'Training schedule', body: 'The runners were running along the quay every morning before the shift started.' },
  /* 2 */ { subject: 'Quick question', body: 'Can you run the report on the crane inspections again before Friday, please?' },
  /* 3 */ {
    subject: 'Les réformes du port',
    body: 'Les réformes économiques du port autonome seront présentées au conseil la semaine prochaine.',
  },
  /* 4 */ { subject: '港口报告', body: '您好，我们讨论了港口报告和经济问题，请在周五之前回复。' },
  /* 5 */ { subject: '東京会議の資料', body: 'お疲れ様です。来週の東京会議の資料を添付します。よろしくお願いします。' },
  /* 6 */ { subject: 'Economic outlook', body: 'The economic outlook for the harbour is uncertain this year, the board said.' },
];

/** Message i of MAIL as an .eml file (Message-ID lang<i>@example.org). */
export function eml(i: number, m: { readonly subject: string; readonly body: string; readonly to?: string }): string {
  return [
    'From: Writer <writer@example.org>',
    `To: ${m.to ?? 'reader@example.net'}`,
    `Subject: =?utf-8?B?${Buffer.from(m.subject).toString('base64')}?=`,
    `Date: Mon, ${String(i + 1).padStart(2, '0')} Jun 2020 10:00:00 +0000`,
    `Message-ID: <lang${i}@example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(m.body).toString('base64'),
    '',
  ].join('\r\n');
}
