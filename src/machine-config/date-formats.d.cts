/** The `date` and `date-time` formats of the precompiled machine-config validator. */
interface Format {
  readonly validate: (text: string) => boolean;
  readonly compare: (a: string, b: string) => number | undefined;
}
declare const formats: { readonly date: Format; readonly "date-time": Format };
export = formats;
