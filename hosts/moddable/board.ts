// Pin map of the reference board: an ESP32-S3 module (8 MB flash, octal PSRAM, e.g.
// ESP32-S3-WROOM-1-N8R8). docs/hosts.md explains the choices. Kept out of: strapping pins
// (0, 3, 45, 46), USB (19, 20), the flash/PSRAM bus (26–37), the console UART0 (43, 44).
export const BOARD = {
  /** The wire to the precinct computer: UART1 through an isolated USB-UART bridge. */
  hostLink: { port: 1, transmit: 17, receive: 18, baud: 115200 },
  /** The smart-card front-end (TDA8029-class): UART2, plus its card-present and reset lines. */
  cardReader: { port: 2, transmit: 15, receive: 16, baud: 115200, presencePin: 7, presenceActiveLow: true, resetPin: 6 },
  /** Push buttons to ground, internal pull-ups: pressed reads 0. */
  buttons: [
    { name: '1', pin: 4 },
    { name: '2', pin: 5 },
  ],
  /** 320×240 SPI panel (ILI9341/ST7789 class) and a capacitive touch controller on I2C. */
  display: { spi: { sclk: 12, mosi: 11, miso: 13 }, cs: 10, dc: 14, reset: 21, backlight: 38, touch: { sda: 8, scl: 9, interrupt: 39 } },
  /** Battery through a 2:1 divider on ADC1 channel 0; mains-present from the charger, high when on mains. */
  power: { batteryPin: 1, dividerRatio: 2, mainsPin: 2 },
  /** Piezo buzzer (PWM). */
  buzzer: 47,
} as const;
