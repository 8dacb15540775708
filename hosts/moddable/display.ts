// DisplayPort on Piu: renders a screen described as data (a title, lines of text, touch
// buttons; or the self-test's colour-bar pattern) on the board's 320×240 panel and reports
// touches on the buttons by id. Device logic builds PanelScreens; a device whose screens need
// more (the terminal's ballot) maps its own screen type onto these.
// Fonts: DejaVu Sans bitmap fonts with every Kazakh letter (hosts/moddable/fonts/, made by
// scripts/make-fonts.ts), which the device manifest lists as "*-mask" resources.
import 'piu/MC'; // at run time this installs Piu's globals (Application, Label, Skin, …)
import type { Application, Content } from 'piu/MC';
import type { DisplayPort } from '../../runtime/ports';

export interface PanelButton { id: string; label: string }
export type PanelScreen =
  | { kind: 'text'; title: string; lines: readonly string[]; buttons?: readonly PanelButton[] }
  | { kind: 'test-pattern'; buttons: readonly PanelButton[] };

export const FONTS = { title: 'DejaVuSans-Bold-24', body: 'DejaVuSans-18', button: 'DejaVuSans-Bold-20' } as const;

/** Colour bars, then grey steps: shows dead pixels, swapped channels and stuck bits. */
export const TEST_PATTERN_COLORS = ['#ffffff', '#ffff00', '#00ffff', '#00ff00', '#ff00ff', '#ff0000', '#0000ff', '#000000'] as const;
const GREYS = ['#000000', '#242424', '#494949', '#6d6d6d', '#929292', '#b6b6b6', '#dbdbdb', '#ffffff'] as const;

const backgroundSkin = new Skin({ fill: '#ffffff' });
const buttonSkin = new Skin({ fill: ['#1f4e9c', '#0b2a5c'], stroke: '#0b2a5c', borders: { left: 2, right: 2, top: 2, bottom: 2 } });
const titleStyle = new Style({ font: FONTS.title, color: '#000000', horizontal: 'left' });
const bodyStyle = new Style({ font: FONTS.body, color: '#202020', horizontal: 'left', left: 0, right: 0 });
const buttonStyle = new Style({ font: FONTS.button, color: '#ffffff', horizontal: 'center', vertical: 'middle' });

export class PiuDisplay implements DisplayPort<PanelScreen> {
  private readonly app: Application;
  private readonly handlers: ((buttonId: string) => void)[] = [];
  /** The last screen shown, for the status message and tests on the simulator. */
  current: PanelScreen | undefined;

  constructor() {
    this.app = new Application(null, { skin: backgroundSkin, touchCount: 1, displayListLength: 4096, left: 0, right: 0, top: 0, bottom: 0 });
  }

  onTouch(handler: (buttonId: string) => void): void { this.handlers.push(handler); }

  show(screen: PanelScreen): void {
    this.current = screen;
    this.app.empty();
    if (screen.kind === 'test-pattern') this.app.add(this.pattern(screen.buttons));
    else this.app.add(this.text(screen));
  }

  private text(screen: Extract<PanelScreen, { kind: 'text' }>): Content {
    const contents: Content[] = [new Label(null, { string: screen.title, style: titleStyle, left: 12, right: 12, top: 10, height: 32 })];
    for (const line of screen.lines) contents.push(new Text(null, { string: line, style: bodyStyle, left: 12, right: 12, top: 6 }));
    const column = new Column(null, { left: 0, right: 0, top: 0, bottom: 0, contents }) as Content;
    if (!screen.buttons || screen.buttons.length === 0) return column;
    return new Container(null, { left: 0, right: 0, top: 0, bottom: 0, contents: [column, this.buttonRow(screen.buttons)] }) as Content;
  }

  private pattern(buttons: readonly PanelButton[]): Content {
    const bars = TEST_PATTERN_COLORS.map((fill) => new Content(null, { skin: new Skin({ fill }), top: 0, bottom: 0, width: 40 }));
    const steps = GREYS.map((fill) => new Content(null, { skin: new Skin({ fill }), top: 0, bottom: 0, width: 40 }));
    return new Container(null, {
      left: 0, right: 0, top: 0, bottom: 0,
      contents: [
        new Row(null, { left: 0, right: 0, top: 0, height: 120, contents: bars }) as Content,
        new Row(null, { left: 0, right: 0, top: 120, height: 60, contents: steps }) as Content,
        this.buttonRow(buttons),
      ],
    }) as Content;
  }

  private buttonRow(buttons: readonly PanelButton[]): Content {
    const display = this;
    class Press extends Behavior {
      onTouchBegan(content: Content): void { content.state = 1; }
      onTouchCancelled(content: Content): void { content.state = 0; }
      onTouchEnded(content: Content): void {
        content.state = 0;
        for (const h of [...display.handlers]) h(content.name);
      }
    }
    const width = Math.floor(296 / buttons.length) - 8;
    const cells = buttons.map((b) => new Container(null, {
      name: b.id, active: true, Behavior: Press, skin: buttonSkin, width, top: 0, bottom: 0, left: 8,
      contents: [new Label(null, { string: b.label, style: buttonStyle, left: 0, right: 0, top: 0, bottom: 0 })],
    }) as Content);
    return new Row(null, { left: 8, right: 8, bottom: 8, height: 52, contents: cells }) as Content;
  }
}
