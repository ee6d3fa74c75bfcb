/**
 * ONNX value and node names are arbitrary strings; graph op names follow TF's pattern. A TF-style
 * tensor name loses its ':0' ('x:0' -> 'x', so a model we exported comes back with its names),
 * leading slashes (PyTorch's '/conv1/Conv') go, and any other character TF does not allow
 * becomes '_'.
 */
export function opNameFor(onnxName: string, fallback: string): string {
  let n = onnxName.replace(/:0$/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  n = n.replace(/[^A-Za-z0-9_.\\/>-]/g, '_').replace(/\/{2,}/g, '/');
  if (n === '' || !/^[A-Za-z0-9.]/.test(n)) n = `${fallback}${n === '' ? '' : `_${n}`}`;
  return n;
}
