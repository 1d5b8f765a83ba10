/**
 * Word material for the demo collection: a fictional harbour authority and its partners. All names
 * and domains are invented (example.org/.net/.com are reserved for documentation, RFC 2606).
 */
export interface Person {
  readonly name: string;
  readonly address: string;
  readonly lang: 'en' | 'fr';
}

export const PEOPLE: readonly Person[] = [
  { name: 'Hélène Dubois', address: 'helene.dubois@meridian-port.example.org', lang: 'fr' },
  { name: 'François Lefèvre', address: 'f.lefevre@meridian-port.example.org', lang: 'fr' },
  { name: 'Zoë Martin', address: 'zoe.martin@meridian-port.example.org', lang: 'en' },
  { name: 'Jürgen Weiß', address: 'jweiss@dredging-partners.example.com', lang: 'en' },
  { name: 'Siobhán Kelly', address: 'siobhan@meridian-port.example.org', lang: 'en' },
  { name: 'Amadou Diallo', address: 'amadou.diallo@quais-et-docks.example.net', lang: 'fr' },
  { name: 'Marta Nowak', address: 'mnowak@meridian-port.example.org', lang: 'en' },
  { name: 'Raphaël Éluard', address: 'raphael.eluard@quais-et-docks.example.net', lang: 'fr' },
  { name: 'Grace Okafor', address: 'grace.okafor@harbour-news.example.com', lang: 'en' },
  { name: 'Léa Rousseau', address: 'lea.rousseau@quais-et-docks.example.net', lang: 'fr' },
  { name: 'Tomás Ferreira', address: 'tferreira@dredging-partners.example.com', lang: 'en' },
  { name: 'Inès Benali', address: 'ines.benali@meridian-port.example.org', lang: 'fr' },
  { name: 'Oliver Grant', address: 'oliver.grant@meridian-port.example.org', lang: 'en' },
  { name: 'Chloé Garnier', address: 'chloe.garnier@ville-meridien.example.net', lang: 'fr' },
  { name: 'Priya Raman', address: 'priya@harbour-news.example.com', lang: 'en' },
  { name: 'Noël Bérubé', address: 'noel.berube@ville-meridien.example.net', lang: 'fr' },
];

export const TOPICS_EN: readonly string[] = [
  'Dredging contract for the north basin',
  'Budget review, third quarter',
  'Press inquiry about the ferry terminal',
  'Ferry timetable for the summer season',
  'Environmental report on the estuary',
  'Crane maintenance schedule',
  'Board meeting minutes',
  'Security audit of the container yard',
  'Invoice dispute with the tug operator',
  'Draft statement on the strike',
];

export const TOPICS_FR: readonly string[] = [
  'Contrat de dragage du bassin nord',
  'Révision budgétaire du troisième trimestre',
  'Demande de la presse sur le terminal équatorien',
  'Horaires des navettes pour l’été',
  'Rapport environnemental sur l’estuaire',
  'Compte rendu du conseil d’administration',
  'Audit de sécurité de la zone des conteneurs',
  'Facture contestée du remorqueur',
  'Projet de communiqué sur la grève',
  'Réunion à la préfecture : ordre du jour',
];

export const SENTENCES_EN: readonly string[] = [
  'Please find the latest figures below.',
  'The contractor has asked for another two weeks.',
  'I spoke with the harbour master this morning and he agrees.',
  'We should not share this outside the board until Friday.',
  'The survey shows the channel is silting faster than expected.',
  'Can you confirm the amount before I sign?',
  'The journalist called again; I said we would answer in writing.',
  'Attached is the revised schedule with the new crane slots.',
  'Legal thinks the penalty clause is enforceable.',
  'Let us meet on Tuesday at the port office.',
  'The ministry wants a summary by the end of the month.',
  'I have copied the finance team so they can check the invoice.',
  'The night shift reported two incidents near gate 4.',
  'We are still waiting for the environmental agency’s reply.',
  'Thanks — that is very helpful.',
  'The numbers do not match the ones in the annual report.',
  'This needs to go to the board before the press gets it.',
  'The tug operator disputes the fuel surcharge.',
];

export const SENTENCES_FR: readonly string[] = [
  'Veuillez trouver ci-dessous les derniers chiffres.',
  'L’entreprise demande un délai supplémentaire de deux semaines.',
  'J’ai parlé au capitaine du port ce matin ; il est d’accord.',
  'Merci de ne pas diffuser ce document avant vendredi.',
  'Le relevé montre que le chenal s’envase plus vite que prévu.',
  'Pouvez-vous confirmer le montant avant que je signe ?',
  'La journaliste a rappelé ; j’ai répondu que nous écririons.',
  'Ci-joint le planning révisé avec les nouveaux créneaux de grue.',
  'Le service juridique estime que la clause pénale est applicable.',
  'Retrouvons-nous mardi au bureau du port.',
  'Le ministère souhaite une synthèse d’ici la fin du mois.',
  'J’ai mis l’équipe financière en copie pour vérifier la facture.',
  'L’équipe de nuit a signalé deux incidents près de la porte 4.',
  'Nous attendons toujours la réponse de l’agence de l’environnement.',
  'Merci beaucoup, c’est très utile.',
  'Les chiffres ne correspondent pas à ceux du rapport annuel.',
  'Le délégué équatorien arrive jeudi ; prévoir un interprète.',
  'Le remorqueur conteste la surtaxe carburant.',
];

/** Short texts in the legacy charsets the parser must decode (with the charset each is sent in). */
export const LEGACY_SAMPLES: ReadonlyArray<{ charset: string; subject: string; body: string }> = [
  { charset: 'windows-1252', subject: 'Quote for “berth 7” – €12,500', body: 'The quote is €12,500 — “final”, they say. Naïve pricing? Perhaps… ©2015' },
  { charset: 'iso-8859-1', subject: 'Réunion de l’équipe', body: 'Bonjour à tous, la réunion est déplacée à jeudi. Amitiés, Hélène. Ça va être serré.' },
  { charset: 'iso-8859-15', subject: 'Coût total en €', body: 'Le coût total est de 8 400 € ; œuvre commune, cœur du projet.' },
  { charset: 'koi8-r', subject: 'Отчёт о грузах', body: 'Добрый день! Отчёт о грузах за март во вложении.' },
  { charset: 'shift_jis', subject: '港湾の報告書', body: 'こんにちは。三月の港湾報告書を添付します。' },
  { charset: 'gb2312', subject: '港口报告', body: '您好，附件是三月份的港口报告。' },
];
