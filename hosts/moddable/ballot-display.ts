// DisplayPort<Screen> on Piu for the voting terminal: draws terminal/screens' Screen at the
// places ballot-layout.ts computes for the panel (320×240 up to 800×480, any DPI), with
// touch targets of at least 0.5 in, a large-text mode (the Screen says when) and DejaVu Sans
// bitmap fonts that have every Kazakh letter. Touches report the button's id.
import 'piu/MC'; // at run time this installs Piu's globals (Application, Label, Skin, …)
import type { Application, Content, Style as PiuStyle } from 'piu/MC';
import type { DisplayPort } from '../../runtime/ports';
import type { Screen } from '../../terminal/screens/types';
import { layoutScreen, type PanelSpec, type PlacedButton, type PlacedText } from './ballot-layout';

const COLORS = {
  background: '#ffffff', text: '#111111', notice: '#8a1c00', code: '#0b2a5c',
  option: ['#f2f5fa', '#c9d6ec'], optionSelected: ['#d7f0dc', '#a9dcb3'], optionStroke: '#1f4e9c',
  primary: ['#1f4e9c', '#0b2a5c'], nav: ['#e6e6e6', '#bdbdbd'], primaryText: '#ffffff',
} as const;

const backgroundSkin = new Skin({ fill: COLORS.background });
const skins = {
  option: new Skin({ fill: [...COLORS.option], stroke: COLORS.optionStroke, borders: { left: 2, right: 2, top: 2, bottom: 2 } }),
  selected: new Skin({ fill: [...COLORS.optionSelected], stroke: COLORS.optionStroke, borders: { left: 4, right: 4, top: 4, bottom: 4 } }),
  primary: new Skin({ fill: [...COLORS.primary], stroke: COLORS.primary[1], borders: { left: 2, right: 2, top: 2, bottom: 2 } }),
  nav: new Skin({ fill: [...COLORS.nav], stroke: '#7a7a7a', borders: { left: 2, right: 2, top: 2, bottom: 2 } }),
};

/** Styles are made once per font name and colour (Piu styles are cheap to share, costly to churn). */
const styles = new Map<string, PiuStyle>();
function style(font: string, color: string, horizontal: 'left' | 'center'): PiuStyle {
  const key = `${font}|${color}|${horizontal}`;
  let s = styles.get(key);
  if (!s) { s = new Style({ font, color, horizontal, vertical: 'middle' }); styles.set(key, s); }
  return s;
}

export class BallotPiuDisplay implements DisplayPort<Screen> {
  private readonly app: Application;
  private readonly handlers: ((buttonId: string) => void)[] = [];
  current: Screen | undefined;

  constructor(private readonly panel: PanelSpec) {
    this.app = new Application(null, { skin: backgroundSkin, touchCount: 1, displayListLength: 8192, left: 0, right: 0, top: 0, bottom: 0 });
  }

  onTouch(handler: (buttonId: string) => void): void { this.handlers.push(handler); }

  show(screen: Screen): void {
    this.current = screen;
    const layout = layoutScreen(screen, this.panel);
    this.app.empty();
    for (const t of layout.texts) this.app.add(this.text(t));
    for (const b of layout.buttons) this.app.add(this.button(b));
  }

  private text(t: PlacedText): Content {
    const color = t.role === 'notice' ? COLORS.notice : t.role === 'code' ? COLORS.code : COLORS.text;
    return new Text(null, { string: t.text, style: style(t.font, color, t.role === 'code' ? 'center' : 'left'), left: t.box.x, top: t.box.y, width: t.box.w, height: t.box.h }) as Content;
  }

  private button(b: PlacedButton): Content {
    const display = this;
    class Press extends Behavior {
      onTouchBegan(content: Content): void { content.state = 1; }
      onTouchCancelled(content: Content): void { content.state = 0; }
      onTouchEnded(content: Content): void {
        content.state = 0;
        for (const h of [...display.handlers]) h(content.name);
      }
    }
    const skin = b.role === 'option' ? (b.selected ? skins.selected : skins.option) : b.role === 'primary' ? skins.primary : skins.nav;
    const color = b.role === 'primary' ? COLORS.primaryText : COLORS.text;
    const pad = 8;
    const labelH = b.detail ? Math.floor((b.box.h - 2 * pad) * 0.6) : b.box.h - 2 * pad;
    const contents: Content[] = [
      new Text(null, { string: b.selected ? `✓ ${b.label}` : b.label, style: style(b.font, color, b.role === 'option' ? 'left' : 'center'), left: pad, right: pad, top: pad, height: labelH }) as Content,
    ];
    if (b.detail) contents.push(new Text(null, { string: b.detail, style: style(b.font.replace('-Bold', ''), color, 'left'), left: pad, right: pad, top: pad + labelH, bottom: pad }) as Content);
    return new Container(null, {
      name: b.id, active: true, Behavior: Press, skin, left: b.box.x, top: b.box.y, width: b.box.w, height: b.box.h, contents,
    }) as Content;
  }
}
