export interface Product {
  id: string
  name: string
  /** Integer cents, so sums are exact. */
  price: number
}

// [id, name, price in cents]. Large enough that a cart holding most of it no longer fits in a
// 4 KB cookie: the app must answer that with 413, not lose the cart.
const ROWS: [string, string, number][] = [
  ['darjeeling-first-flush-100g', 'Darjeeling First Flush, 100 g', 1450],
  ['assam-breakfast-250g', 'Assam Breakfast, 250 g', 890],
  ['earl-grey-classic-100g', 'Earl Grey Classic, 100 g', 690],
  ['jasmine-pearls-50g', 'Jasmine Pearls, 50 g', 1190],
  ['sencha-uji-100g', 'Sencha from Uji, 100 g', 1290],
  ['gyokuro-asahi-50g', 'Gyokuro Asahi, 50 g', 2390],
  ['genmaicha-200g', 'Genmaicha, 200 g', 790],
  ['matcha-ceremonial-30g', 'Ceremonial Matcha, 30 g', 2890],
  ['hojicha-roasted-100g', 'Roasted Hojicha, 100 g', 890],
  ['oolong-tieguanyin-100g', 'Tieguanyin Oolong, 100 g', 1590],
  ['oolong-da-hong-pao-50g', 'Da Hong Pao Oolong, 50 g', 2190],
  ['pu-erh-shou-cake-357g', 'Shou Pu-erh Cake, 357 g', 3490],
  ['white-silver-needle-50g', 'Silver Needle White, 50 g', 1990],
  ['white-bai-mu-dan-100g', 'Bai Mu Dan White, 100 g', 1390],
  ['rooibos-vanilla-200g', 'Vanilla Rooibos, 200 g', 790],
  ['chamomile-flowers-100g', 'Chamomile Flowers, 100 g', 590],
  ['peppermint-leaves-100g', 'Peppermint Leaves, 100 g', 490],
  ['lapsang-souchong-100g', 'Lapsang Souchong, 100 g', 990],
  ['keemun-mao-feng-100g', 'Keemun Mao Feng, 100 g', 1190],
  ['ceylon-nuwara-eliya-100g', 'Nuwara Eliya Ceylon, 100 g', 1090],
  ['masala-chai-blend-200g', 'Masala Chai Blend, 200 g', 890],
  ['yerba-mate-500g', 'Yerba Mate, 500 g', 1190],
  ['ethiopia-yirgacheffe-250g', 'Ethiopia Yirgacheffe Beans, 250 g', 1390],
  ['kenya-nyeri-aa-250g', 'Kenya Nyeri AA Beans, 250 g', 1490],
  ['colombia-huila-250g', 'Colombia Huila Beans, 250 g', 1190],
  ['guatemala-antigua-250g', 'Guatemala Antigua Beans, 250 g', 1250],
  ['brazil-cerrado-1kg', 'Brazil Cerrado Beans, 1 kg', 2990],
  ['sumatra-mandheling-250g', 'Sumatra Mandheling Beans, 250 g', 1290],
  ['costa-rica-tarrazu-250g', 'Costa Rica Tarrazu Beans, 250 g', 1350],
  ['espresso-house-blend-1kg', 'House Espresso Blend, 1 kg', 2790],
  ['decaf-swiss-water-250g', 'Swiss Water Decaf Beans, 250 g', 1190],
  ['cold-brew-coarse-500g', 'Cold Brew Coarse Grind, 500 g', 1590],
  ['pour-over-dripper-ceramic', 'Ceramic Pour-over Dripper', 2490],
  ['paper-filters-size-02-100', 'Paper Filters, size 02, 100 pcs', 590],
  ['gooseneck-kettle-1l', 'Gooseneck Kettle, 1 l', 4990],
  ['burr-grinder-manual', 'Manual Burr Grinder', 6990],
  ['french-press-800ml', 'French Press, 800 ml', 3290],
  ['moka-pot-six-cup', 'Moka Pot, six cups', 3490],
  ['milk-frother-handheld', 'Handheld Milk Frother', 1490],
  ['digital-scale-0-1g', 'Digital Scale, 0.1 g', 2290],
  ['cast-iron-teapot-900ml', 'Cast Iron Teapot, 900 ml', 5490],
  ['glass-teapot-infuser-600ml', 'Glass Teapot with Infuser, 600 ml', 2690],
  ['gaiwan-porcelain-150ml', 'Porcelain Gaiwan, 150 ml', 1890],
  ['matcha-whisk-bamboo', 'Bamboo Matcha Whisk', 1590],
  ['tea-tin-airtight-200g', 'Airtight Tea Tin, 200 g', 990],
  ['stoneware-mug-350ml', 'Stoneware Mug, 350 ml', 1690],
  ['double-wall-glass-250ml', 'Double-wall Glass, 250 ml', 1290],
  ['gift-card-25', 'Gift Card, 25 dollars', 2500],
  ['oolong-milk-jin-xuan-100g', 'Jin Xuan Milk Oolong, 100 g', 1390],
  ['black-yunnan-golden-tips-50g', 'Yunnan Golden Tips, 50 g', 1690],
  ['green-dragon-well-100g', 'Dragon Well Green, 100 g', 1790],
  ['green-bi-luo-chun-50g', 'Bi Luo Chun Green, 50 g', 1590],
  ['herbal-lemon-verbena-80g', 'Lemon Verbena, 80 g', 690],
  ['herbal-hibiscus-berry-150g', 'Hibiscus Berry Infusion, 150 g', 790],
  ['panama-geisha-boquete-100g', 'Panama Geisha Boquete Beans, 100 g', 3990],
  ['rwanda-nyamasheke-250g', 'Rwanda Nyamasheke Beans, 250 g', 1390],
  ['honduras-marcala-250g', 'Honduras Marcala Beans, 250 g', 1190],
  ['peru-cajamarca-organic-250g', 'Organic Peru Cajamarca Beans, 250 g', 1290],
  ['espresso-cups-set-of-four', 'Espresso Cups, set of four', 2890],
  ['aeropress-go-travel', 'Travel Press Brewer', 3990],
  ['siphon-brewer-three-cup', 'Siphon Brewer, three cups', 6490],
  ['knock-box-stainless', 'Stainless Knock Box', 2190],
  ['tea-strainer-fine-mesh', 'Fine Mesh Tea Strainer', 490],
  ['gift-card-50', 'Gift Card, 50 dollars', 5000],
]

/** The shop's fixed catalogue, in display order. */
export const CATALOGUE: readonly Product[] = ROWS.map(([id, name, price]) => Object.freeze({ id, name, price }))

const byId = new Map(CATALOGUE.map((product) => [product.id, product]))

export function findProduct(id: string): Product | undefined {
  return byId.get(id)
}

/** `1234` → `$12.34`. */
export function formatPrice(cents: number): string {
  return `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}
