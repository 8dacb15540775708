// DisplayPort<Screen> on Piu for the voting terminal: draws terminal/screens' Screen at the
// places ballot-layout.ts computes for the panel (320×240 up to 800×480, any DPI), with
// touch targets of at least 0.5 in, a large-text mode (the Screen says when) and DejaVu Sans
// bitmap fonts that have every Kazakh letter (hosts/moddable/fonts/, made by
// scripts/make-fonts.ts; the device manifest lists them as "*-mask" resources). Touches
// report the button's id. Runs in the Moddable simulator (terminal/main.ts on lin).
import 'piu/MC'; // at run time this installs Piu's globals (Application, Label, Skin, …)
import type { Application, Content, Style as PiuStyle } from 'piu/MC';
import type { DisplayPort } from '../../runtime/ports';
import type { Screen } from '../../terminal/screens/types';
import { BUTTON_PAD, layoutScreen, type Measure, type PanelSpec, type PlacedButton, type PlacedText, type ScreenLayout } from './ballot-layout';

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
  /** Where the current screen's pieces went (and whether it fit). */
  layout: ScreenLayout | undefined;

  /** The panel laid out for: the given size, or the screen's own (Piu's application) when only the DPI is given. */
  readonly panel: PanelSpec;
  /** Text widths with the real glyphs (Piu's Style.measure), so the layout wraps as Piu draws. */
  readonly measure: Measure = (text, font) => style(font, COLORS.text, 'left').measure(text).width ?? 0;

  constructor(panel: PanelSpec | { dpi: number }) {
    this.app = new Application(null, { skin: backgroundSkin, touchCount: 1, displayListLength: 8192, left: 0, right: 0, top: 0, bottom: 0 });
    this.panel = 'widthPx' in panel ? panel : { widthPx: this.app.width, heightPx: this.app.height, dpi: panel.dpi };
  }

  onTouch(handler: (buttonId: string) => void): void { this.handlers.push(handler); }

  show(screen: Screen): void {
    this.current = screen;
    const layout = layoutScreen(screen, this.panel, this.measure);
    this.layout = layout;
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
    const pad = BUTTON_PAD;
    // Label and detail stacked in a column that Piu centres vertically in the target.
    const lines: Content[] = [
      new Text(null, { string: b.selected ? `✓ ${b.label}` : b.label, style: style(b.font, color, b.role === 'option' ? 'left' : 'center'), left: 0, right: 0 }) as Content,
    ];
    if (b.detail && b.detailFont) lines.push(new Text(null, { string: b.detail, style: style(b.detailFont, color, 'left'), left: 0, right: 0 }) as Content);
    const contents: Content[] = [new Column(null, { left: pad, right: pad, contents: lines }) as Content];
    return new Container(null, {
      name: b.id, active: true, Behavior: Press, skin, left: b.box.x, top: b.box.y, width: b.box.w, height: b.box.h, contents,
    }) as Content;
  }
}
