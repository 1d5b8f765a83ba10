import type { VNode } from 'preact';
import { Layout, type PageContext } from './layout.js';

/**
 * The accessibility statement: the standard aimed at, what is tested and how (each claim is a test
 * of test/e2e/web.test.ts or readerPages.test.ts), the gaps known, and whom to tell.
 */
export function AccessibilityPage(props: { ctx: PageContext }): VNode {
  const { ctx } = props;
  const fr = ctx.lang === 'fr';
  const contact = ctx.about?.contact;
  return (
    <Layout ctx={ctx} title={fr ? 'Accessibilité' : 'Accessibility'}>
      <h1>{fr ? 'Déclaration d’accessibilité' : 'Accessibility statement'}</h1>
      <p>
        {fr
          ? 'Ce site vise le niveau AA des WCAG 2.2. Il se lit sans JavaScript ; seule la recherche d’une copie statique en a besoin.'
          : 'This site aims at WCAG 2.2 level AA. It reads without JavaScript; only the search of a static copy needs it.'}
      </p>
      <h2>{fr ? 'Ce qui est vérifié, à chaque version' : 'What is checked, for every version'}</h2>
      <ul>
        <li>
          {fr
            ? 'axe-core ne trouve aucune violation sur chaque type de page, sur ordinateur (1280 px) et téléphone (390 px), en clair et en sombre, en anglais et en français.'
            : 'axe-core finds no violation on every page type, on a desktop (1280 px) and a phone (390 px), light and dark, in English and French.'}
        </li>
        <li>
          {fr
            ? 'Aucune page ne défile de côté à 320, 390 et 768 px ; sur téléphone, les résultats viennent avant les filtres.'
            : 'No page scrolls sideways at 320, 390 and 768 px; on a phone the results come before the filters.'}
        </li>
        <li>
          {fr
            ? 'Au clavier : le premier Tab mène au lien d’évitement, puis à la recherche ; le focus est toujours visible.'
            : 'By keyboard: the first Tab reaches the skip link, then the search box; focus is always visible.'}
        </li>
        <li>
          {fr
            ? 'Les graphiques ont un titre, une description et leurs chiffres en tableau ; les verdicts sont dits en mots, pas seulement en couleurs.'
            : 'Charts have a title, a description and their numbers as a table; verdicts are said in words, not only in colours.'}
        </li>
      </ul>
      <h2>{fr ? 'Limites connues' : 'Known gaps'}</h2>
      <ul>
        <li>
          {fr
            ? 'La version HTML d’un courriel est montrée telle que son expéditeur l’a écrite (dans un cadre isolé) : ses couleurs et sa structure sont les siennes. La version texte est toujours là.'
            : 'An email’s HTML version is shown as its sender wrote it (in an isolated frame): its colours and structure are its own. The text version is always there.'}
        </li>
        <li>
          {fr
            ? 'Les pièces jointes (PDF, images numérisées) sont publiées telles quelles ; leur texte extrait est sur la page de chaque pièce jointe.'
            : 'Attachments (PDFs, scanned images) are published as they are; their extracted text is on each attachment’s page.'}
        </li>
      </ul>
      <h2>{fr ? 'Signaler un problème' : 'Report a problem'}</h2>
      <p>
        {contact
          ? fr
            ? 'Écrivez à l’éditeur : '
            : 'Write to the publisher: '
          : fr
            ? 'Écrivez à l’éditeur de cette collection.'
            : 'Write to the publisher of this collection.'}
        {contact ? <ContactLink contact={contact} /> : null}
      </p>
    </Layout>
  );
}

/** A contact as a link: mailto: for an address, the URL itself for a web address; other text as it is. */
export function ContactLink(props: { contact: string }): VNode {
  const c = props.contact;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c)) return <a href={`mailto:${c}`}>{c}</a>;
  if (/^https?:\/\/\S+$/i.test(c)) return <a href={c}>{c}</a>;
  return <span>{c}</span>;
}
