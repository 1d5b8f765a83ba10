/**
 * Writing mboxrd (what readers load into their mail tools, and what the demo writes): an envelope
 * line per message, body lines starting with "From " (or already quoted ones) get one more ">", and
 * a blank line after each message. Our mbox reader undoes exactly this.
 */

/** The asctime() date of mbox envelope lines: `Mon Jan  6 08:00:00 2014`. */
export function ctime(ms: number): string {
  const [weekday, day, month, year, time] = new Date(ms).toUTCString().replace(',', '').split(' ') as [string, string, string, string, string];
  return `${weekday} ${month} ${String(Number(day)).padStart(2)} ${time} ${year}`;
}

export function mboxEntry(raw: Buffer, envelopeSender: string, dateMs: number): Buffer {
  const quoted = Buffer.from(raw.toString('latin1').replace(/^(>*From )/gm, '>$1'), 'latin1');
  const end = quoted.length > 0 && quoted[quoted.length - 1] === 0x0a ? '\n' : '\n\n';
  return Buffer.concat([Buffer.from(`From ${envelopeSender || 'MAILER-DAEMON'} ${ctime(dateMs)}\n`), quoted, Buffer.from(end)]);
}
