/** Any other hash: say so and offer the way back. */
import { html, render } from 'lit';
import { href, type Page } from '../router.js';

export function mountNotFound(outlet: HTMLElement, path: string): Page {
  render(html`<section class="page narrow">
    <h1>Nothing here</h1>
    <p class="lede">There is no page at <code>${path}</code>.</p>
    <p><a class="button primary" href=${href.upload}>Upload a video</a> <a class="button" href=${href.library}>Open the library</a></p>
  </section>`, outlet);
  return { unmount: () => render(html``, outlet) };
}
