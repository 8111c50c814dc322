/**
 * The order number a customer quotes: after "order", "#", "no." or 订单/单号, or else a
 * standalone run of at least 4 digits ("where is my order 10023", "我的订单10023到哪了").
 */
const AFTER_CUE =
  /(?:order|ord|#|no\.?|number|订单号?|單號|单号|订单编号)\s*(?:number|no\.?|id|号|編號)?\s*[:：#]?\s*([A-Za-z]{0,4}-?\d[\dA-Za-z-]{2,24})/iu;
const DIGITS = /(?<![\d.])(\d{4,20})(?![\d.])/u;

export function extractOrderNumber(text: string): string | null {
  const cued = AFTER_CUE.exec(text);
  if (cued?.[1]) return cued[1].toUpperCase();
  const digits = DIGITS.exec(text);
  return digits?.[1] ?? null;
}
