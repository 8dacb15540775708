/** Fills `buffer` from the platform's RNG (ESP32: esp_fill_random with the SAR ADC entropy source on; simulators: /dev/urandom). Throws where there is none. */
export default function fillRandom(buffer: ArrayBuffer): void;
