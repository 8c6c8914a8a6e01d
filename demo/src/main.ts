/**
 * The demo site: three pages over the real Sluice API, switched by the URL hash.
 */
import { mountLibrary } from './pages/library-page.js';
import { mountNotFound } from './pages/not-found-page.js';
import { mountUpload } from './pages/upload-page.js';
import { mountWatch } from './pages/watch-page.js';
import { parseRoute, type Page, type Route } from './router.js';

const main = document.querySelector<HTMLElement>('#main');
if (!main) throw new Error('index.html has no #main');
const outlet: HTMLElement = main;
let current: Page | undefined;

const TITLES: Record<Route['page'], string> = { upload: 'Upload', library: 'Library', watch: 'Watch', 'not-found': 'Not found' };

function show(): void {
  const route = parseRoute(window.location.hash);
  current?.unmount();
  // A fresh container per page: lit keeps its render state on the container.
  const view = document.createElement('div');
  outlet.replaceChildren(view);
  document.title = `${TITLES[route.page]} · Sluice`;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-route]')) {
    const active = link.dataset.route === route.page;
    if (active) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  switch (route.page) {
    case 'upload': current = mountUpload(view); break;
    case 'library': current = mountLibrary(view); break;
    case 'watch': current = mountWatch(view, route.id); break;
    default: current = mountNotFound(view, route.path);
  }
}

window.addEventListener('hashchange', () => {
  show();
  // Move focus to the new page so screen readers announce it (not on first load).
  outlet.focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
});
show();
