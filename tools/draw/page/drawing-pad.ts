/**
 * The square the reader draws on: pointer input (mouse, touch, pen) drawn as
 * round black strokes on white, like a pen on paper, and read back as a
 * grayscale picture (lib's rgbToGray) for the preparation.
 */
import { type GrayImage, rgbToGray } from '../../../lib/browser';

/** Pen width in canvas pixels on the 280x280 drawing area (MNIST's digits are about a tenth of their height wide). */
export const PEN_WIDTH = 16;

/** What the pad tells the page. */
export interface DrawingPadEvents {
  /** A stroke starts (the page forgets an uploaded photo). */
  readonly onStart: () => void;
  /** The drawing changed: `final` is true when the pen was lifted. */
  readonly onChange: (final: boolean) => void;
}

/** Where a pointer event falls in the canvas's own pixels, whatever size the page shows it at. */
function canvasPoint(canvas: HTMLCanvasElement, event: PointerEvent): { x: number; y: number } {
  const box = canvas.getBoundingClientRect();
  return { x: ((event.clientX - box.left) * canvas.width) / box.width, y: ((event.clientY - box.top) * canvas.height) / box.height };
}

export class DrawingPad {
  private readonly context: CanvasRenderingContext2D;
  private last: { x: number; y: number } | undefined;
  private pointer: number | undefined;
  /** True once anything was drawn or shown since the last clear. */
  private used = false;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly events: DrawingPadEvents) {
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('this browser cannot draw on a canvas');
    this.context = context;
    canvas.dataset.penWidth = String(PEN_WIDTH);
    this.clear();
    canvas.addEventListener('pointerdown', (event) => this.down(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    for (const type of ['pointerup', 'pointercancel'] as const) canvas.addEventListener(type, (event) => this.up(event));
  }

  /** True when nothing has been drawn or shown since the last clear. */
  get empty(): boolean {
    return !this.used;
  }

  /** Changes the drawing area's size in canvas pixels (the drawing is cleared). */
  resize(width: number, height: number): void {
    this.canvas.width = width;
    this.canvas.height = height;
    this.clear();
  }

  /** White paper again. */
  clear(): void {
    this.context.fillStyle = '#ffffff';
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.used = false;
  }

  /** Shows a picture (an uploaded photo) fitted into the square, centred, on white. */
  showPicture(picture: CanvasImageSource & { readonly width: number; readonly height: number }): void {
    this.clear();
    const scale = Math.min(this.canvas.width / picture.width, this.canvas.height / picture.height);
    const [width, height] = [picture.width * scale, picture.height * scale];
    this.context.drawImage(picture, (this.canvas.width - width) / 2, (this.canvas.height - height) / 2, width, height);
    this.used = true;
  }

  /** The drawing as a grayscale picture (0 black .. 255 white), as readImage gives a photo. */
  grayImage(): GrayImage {
    const { data, width, height } = this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
    return rgbToGray(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, 4);
  }

  /** The drawing as a PNG file. */
  pngBlob(): Promise<Blob> {
    return new Promise((resolve, reject) => this.canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the drawing as PNG'))), 'image/png'));
  }

  private down(event: PointerEvent): void {
    if (this.pointer !== undefined || event.button !== 0) return;
    event.preventDefault();
    this.events.onStart();
    this.pointer = event.pointerId;
    this.canvas.setPointerCapture(event.pointerId);
    this.last = canvasPoint(this.canvas, event);
    this.line(this.last, this.last); // a tap leaves a dot
    this.events.onChange(false);
  }

  private move(event: PointerEvent): void {
    if (event.pointerId !== this.pointer || !this.last) return;
    event.preventDefault();
    // Events the browser merged into this one (fast strokes) are drawn too, so curves stay smooth.
    const events = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const each of events.length > 0 ? events : [event]) {
      const point = canvasPoint(this.canvas, each);
      this.line(this.last, point);
      this.last = point;
    }
    this.events.onChange(false);
  }

  private up(event: PointerEvent): void {
    if (event.pointerId !== this.pointer) return;
    this.pointer = undefined;
    this.last = undefined;
    this.events.onChange(true);
  }

  private line(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const context = this.context;
    context.strokeStyle = '#000000';
    context.lineWidth = PEN_WIDTH;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    this.used = true;
  }
}
