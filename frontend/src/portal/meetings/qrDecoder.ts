/**
 * Read QR codes from the camera's video or a picture: the browser's BarcodeDetector where it
 * exists (Chrome on Android, Safari 17+), else jsQR on the pixels of a canvas.
 */
import type jsQRType from 'jsqr';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?: () => Promise<string[]>;
}

type Jsqr = typeof jsQRType;

export interface QrDecoder {
  /** The text of a QR code in `source` (a playing video, an image), or null. */
  decode(source: HTMLVideoElement | HTMLImageElement | ImageBitmap): Promise<string | null>;
  /** Which reader is used: `native` (BarcodeDetector) or `jsqr`. */
  engine: 'native' | 'jsqr';
}

async function nativeDetector(): Promise<BarcodeDetectorLike | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = (await Detector.getSupportedFormats?.()) ?? ['qr_code'];
    return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

function sizeOf(source: HTMLVideoElement | HTMLImageElement | ImageBitmap): [number, number] {
  if (source instanceof HTMLVideoElement) return [source.videoWidth, source.videoHeight];
  if (source instanceof HTMLImageElement) return [source.naturalWidth, source.naturalHeight];
  return [source.width, source.height];
}

// Big camera frames are scaled down: jsQR's time grows with the pixels, a QR code on a screen stays readable.
const MAX_SIDE = 800;

function jsqrDecoder(jsQR: Jsqr): QrDecoder {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return {
    engine: 'jsqr',
    async decode(source) {
      const [width, height] = sizeOf(source);
      if (!context || !width || !height) return null;
      const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      // A white background: a transparent picture (an SVG QR code) reads as black on black otherwise.
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      return jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
    },
  };
}

/** The best reader this browser has (`prefer: 'jsqr'` to skip the native one). */
export async function createQrDecoder(prefer?: 'jsqr'): Promise<QrDecoder> {
  const native = prefer === 'jsqr' ? null : await nativeDetector();
  if (native) {
    const fallback = jsqrDecoder((await import('jsqr')).default);
    return {
      engine: 'native',
      async decode(source) {
        try {
          const found = await native.detect(source);
          return found[0]?.rawValue ?? null;
        } catch {
          return fallback.decode(source);
        }
      },
    };
  }
  return jsqrDecoder((await import('jsqr')).default);
}

/** A picked picture (the album, a screenshot of the QR screen) as an image element. */
export function loadImage(file: Blob): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(file);
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      URL.revokeObjectURL(url);
      resolve(image);
    };
    image.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('not an image'));
    };
    image.src = url;
  });
}
