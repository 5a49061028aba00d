// The demo shop's products: what the load generator orders and inventory prices and stocks.
export interface Product {
  sku: string;
  unitPriceCents: number;
}

export const CATALOG: readonly Product[] = [
  { sku: 'lamp-aurora', unitPriceCents: 4900 },
  { sku: 'kettle-brass', unitPriceCents: 3450 },
  { sku: 'mug-stoneware', unitPriceCents: 1200 },
  { sku: 'chair-oak', unitPriceCents: 18900 },
  { sku: 'rug-wool', unitPriceCents: 9900 },
  { sku: 'clock-walnut', unitPriceCents: 5600 },
  { sku: 'vase-glass', unitPriceCents: 2300 },
  { sku: 'desk-maple', unitPriceCents: 32900 },
];

/** Stock a product starts with, and is topped up to when it runs out (the demo never sells out for good). */
export const RESTOCK_QUANTITY = 500;

export function findProduct(sku: string): Product | undefined {
  return CATALOG.find((p) => p.sku === sku);
}
