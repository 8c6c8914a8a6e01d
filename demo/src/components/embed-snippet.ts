/**
 * The Embed card: the exact HTML that puts this video on another site, and
 * where its playback token comes from (docs/embedding.md, docs/tokens.md).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { serverOrigin, videoUrl } from '../api.js';

export const TOKEN_PLACEHOLDER = 'PLAYBACK_TOKEN_FROM_YOUR_BACKEND';

/** The snippet for `id`; `token` fills the placeholder (a short-lived demo token). */
export function embedHtml(id: string, token?: string): string {
  return `<script type="module" src="${serverOrigin()}/embed/sluice-player.js"></script>

<video-stream-player
  src="${videoUrl(id)}"
  token="${token ?? TOKEN_PLACEHOLDER}"
  controls
  style="width: 100%; max-width: 960px"
></video-stream-player>`;
}

export interface EmbedState { withToken: boolean; token: string | undefined; copied: boolean }

export function renderEmbed(id: string, state: EmbedState, actions: { toggleToken(on: boolean): void; copy(text: string): void }): TemplateResult {
  const code = embedHtml(id, state.withToken ? state.token : undefined);
  return html`<section class="card embed-card" aria-labelledby="embed-title">
    <div class="card-head">
      <h2 id="embed-title">Embed this video</h2>
      <button type="button" class="button small" @click=${() => actions.copy(code)} data-testid="copy-embed">
        ${state.copied ? 'Copied' : 'Copy HTML'}
      </button>
    </div>
    <p>Paste this into any page. The player needs a <strong>playback token</strong> that your site's backend mints
      with the server's secret — never ship the secret to the browser.</p>
    <pre class="code" tabindex="0" aria-label="Embed HTML"><code data-testid="embed-code">${code}</code></pre>
    <label class="check">
      <input type="checkbox" .checked=${state.withToken} @change=${(e: Event) => actions.toggleToken((e.target as HTMLInputElement).checked)}>
      Fill in a one-hour demo token to try it right away
    </label>
    <details>
      <summary>Mint the token on your backend</summary>
      <p>A JWT signed with <code>SLUICE_SECRET</code> (HS256) with <code>aud: "playback"</code>, <code>sub</code> = the video id and
        a short <code>exp</code>. In Node:</p>
      <pre class="code" tabindex="0"><code>import jwt from 'jsonwebtoken';

const token = jwt.sign({ aud: 'playback', sub: '${id}' }, process.env.SLUICE_SECRET, { expiresIn: '1h' });</code></pre>
      <p>Or from a shell on the server: <code>sluice token --aud playback --sub ${id} --ttl 1h</code>.</p>
      <p>Embedding from another origin? Add it to <code>SLUICE_CORS_ORIGINS</code>
        (for example <code>https://www.example.com</code>). React and Vue versions:
        <code>docs/embedding.md</code>; the token flow: <code>docs/tokens.md</code>.</p>
    </details>
    ${state.withToken && !state.token ? html`<p class="muted">Minting a token…</p>` : nothing}
  </section>`;
}
