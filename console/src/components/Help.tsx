import { useT } from '../lib/i18n.js';
import { useStore } from '../lib/store.js';
import { store } from '../state.js';
import { Dialog } from './common.js';

const KEYS: [string[], Parameters<ReturnType<typeof useT>>[0]][] = [
  [['j'], 'help.next'],
  [['k'], 'help.prev'],
  [['r'], 'help.reply'],
  [['n'], 'help.note'],
  [['c'], 'help.claim'],
  [['e'], 'help.resolve'],
  [['g', 'i'], 'help.inbox'],
  [['g', 'l'], 'help.live'],
  [['Enter'], 'help.send'],
  [['Shift', 'Enter'], 'help.newline'],
  [['/'], 'help.canned'],
  [['Esc'], 'help.escape'],
  [['?'], 'help.help'],
];

/** The keyboard shortcuts, opened with ? anywhere outside a text field. */
export function HelpOverlay() {
  const t = useT();
  const open = useStore(store, (s) => s.helpOpen);
  return (
    <Dialog open={open} title={t('help.title')} onClose={() => store.set({ helpOpen: false })}>
      <p class="hint">{t('help.intro')}</p>
      <table class="keys">
        <tbody>
          {KEYS.map(([keys, label]) => (
            <tr key={label}>
              <td>
                {keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && (k === 'Enter' ? ' + ' : ' ')}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{t(label)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
