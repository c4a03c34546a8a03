import type { Services } from '../app.js';
import type { Caller } from '../platform/http.js';
import { seededRandom } from '../platform/random.js';
import { renderDemoImage } from './demo-image.js';

/** A leaf category of the demo: what its products are, and how they vary. */
interface DemoLeaf {
  slug: string;
  name: string;
  /** The seller (by email) whose shop sells it. */
  seller: string;
  items: readonly { noun: string; priceMinor: number; blurb: string }[];
  styles: readonly string[];
  /** Option name and values: one variant per value. */
  option: { name: string; values: readonly string[] };
  /** The products' tax category (demo-tax.ts has rates for it). */
  taxCategory?: string;
}

interface DemoBranch {
  slug: string;
  name: string;
  leaves: readonly DemoLeaf[];
}

const ADA = 'ada@demo.bazaar';
const BO = 'bo@demo.bazaar';
const CY = 'cy@demo.bazaar';
const DEE = 'dee@demo.bazaar';
const ELI = 'eli@demo.bazaar';

const SIZES = { name: 'size', values: ['S', 'M', 'L', 'XL'] } as const;

/** Twelve products per leaf (each item in each style, up to twelve): about two hundred in all. */
const DEMO_TREE: readonly DemoBranch[] = [
  {
    slug: 'home',
    name: 'Home & Living',
    leaves: [
      {
        slug: 'lighting',
        name: 'Lighting',
        seller: ADA,
        items: [
          {
            noun: 'desk lamp',
            priceMinor: 6900,
            blurb: 'An adjustable arm puts warm light exactly where you read.',
          },
          {
            noun: 'pendant light',
            priceMinor: 8900,
            blurb: 'Hangs low over a table and throws a soft pool of light.',
          },
          {
            noun: 'storm lantern',
            priceMinor: 3900,
            blurb: 'A glass chimney keeps the flame steady on windy evenings.',
          },
          { noun: 'floor lamp', priceMinor: 12900, blurb: 'A tall, slim stand with a linen shade.' },
        ],
        styles: ['Brass', 'Walnut', 'Ceramic'],
        option: { name: 'finish', values: ['Natural', 'Black'] },
      },
      {
        slug: 'kitchen',
        name: 'Kitchen & Dining',
        seller: ELI,
        items: [
          {
            noun: 'serving bowl',
            priceMinor: 3400,
            blurb: 'Deep enough for a salad for six, pretty enough for the table.',
          },
          {
            noun: 'chef knife',
            priceMinor: 7900,
            blurb: 'A full-tang blade that holds its edge through a summer of tomatoes.',
          },
          {
            noun: 'cutting board',
            priceMinor: 4200,
            blurb: 'End-grain, oiled, with a juice groove around the edge.',
          },
          {
            noun: 'teapot',
            priceMinor: 3800,
            blurb: 'Pours without dripping and keeps a pot hot for an hour.',
          },
        ],
        styles: ['Stoneware', 'Olive wood', 'Enamel'],
        option: { name: 'size', values: ['Small', 'Large'] },
      },
      {
        slug: 'decor',
        name: 'Decor',
        seller: ADA,
        items: [
          { noun: 'vase', priceMinor: 2900, blurb: 'Thrown on the wheel; every glaze drip is its own.' },
          {
            noun: 'wall mirror',
            priceMinor: 9900,
            blurb: 'A round mirror in a slim frame that brightens a hallway.',
          },
          {
            noun: 'candle holder',
            priceMinor: 1900,
            blurb: 'Holds a standard dinner candle, steady on any table.',
          },
          { noun: 'plant pot', priceMinor: 2400, blurb: 'With a drainage hole and a matching saucer.' },
        ],
        styles: ['Speckled', 'Terracotta', 'Matte white'],
        option: { name: 'size', values: ['Small', 'Medium', 'Large'] },
      },
      {
        slug: 'textiles',
        name: 'Textiles',
        seller: ADA,
        items: [
          {
            noun: 'throw blanket',
            priceMinor: 8400,
            blurb: 'Woven on a dobby loom, heavy enough for winter evenings.',
          },
          {
            noun: 'cushion cover',
            priceMinor: 2900,
            blurb: 'With a hidden zip; fits a standard square insert.',
          },
          {
            noun: 'tea towel',
            priceMinor: 1200,
            blurb: 'Dries glasses without lint and softens with every wash.',
          },
          {
            noun: 'table runner',
            priceMinor: 3600,
            blurb: 'Long enough for a six-seat table, hemmed by hand.',
          },
        ],
        styles: ['Linen', 'Merino wool', 'Organic cotton'],
        option: { name: 'colour', values: ['Oat', 'Indigo', 'Rust'] },
      },
    ],
  },
  {
    slug: 'clothing',
    name: 'Clothing',
    leaves: [
      {
        slug: 'tops',
        taxCategory: 'clothing',
        name: 'Tops',
        seller: BO,
        items: [
          {
            noun: 't-shirt',
            priceMinor: 2800,
            blurb: 'A relaxed fit in a mid-weight jersey that keeps its shape.',
          },
          {
            noun: 'oxford shirt',
            priceMinor: 5900,
            blurb: 'A button-down collar and a curved hem, smart or untucked.',
          },
          {
            noun: 'crewneck sweater',
            priceMinor: 8900,
            blurb: 'Knitted in one piece with ribbed cuffs and hem.',
          },
          {
            noun: 'hoodie',
            priceMinor: 6900,
            blurb: 'Brushed inside, with a double-layer hood and a kangaroo pocket.',
          },
        ],
        styles: ['Organic cotton', 'Merino wool', 'Hemp'],
        option: SIZES,
      },
      {
        slug: 'outerwear',
        taxCategory: 'clothing',
        name: 'Outerwear',
        seller: BO,
        items: [
          {
            noun: 'rain jacket',
            priceMinor: 14900,
            blurb: 'Taped seams and a hood that turns with your head.',
          },
          {
            noun: 'down vest',
            priceMinor: 11900,
            blurb: 'Packs into its own pocket; warm without the bulk.',
          },
          { noun: 'chore coat', priceMinor: 12900, blurb: 'Four patch pockets and a corduroy collar.' },
          {
            noun: 'fleece jacket',
            priceMinor: 7900,
            blurb: 'Recycled fleece with a full zip and hand-warmer pockets.',
          },
        ],
        styles: ['Storm', 'Canvas', 'Alpine'],
        option: SIZES,
      },
      {
        slug: 'footwear',
        taxCategory: 'clothing',
        name: 'Footwear',
        seller: BO,
        items: [
          {
            noun: 'hiking boot',
            priceMinor: 16900,
            blurb: 'A grippy sole and a waterproof membrane for muddy trails.',
          },
          { noun: 'canvas sneaker', priceMinor: 6900, blurb: 'A vulcanised sole and a cushioned footbed.' },
          {
            noun: 'wool slipper',
            priceMinor: 4900,
            blurb: 'Felted wool with a suede sole for wooden floors.',
          },
          {
            noun: 'leather loafer',
            priceMinor: 13900,
            blurb: 'Hand-stitched and resoleable for years of wear.',
          },
        ],
        styles: ['Classic', 'Trail', 'Urban'],
        option: { name: 'size', values: ['38', '40', '42', '44'] },
      },
      {
        slug: 'accessories',
        name: 'Accessories',
        seller: BO,
        items: [
          { noun: 'beanie', priceMinor: 2400, blurb: 'A ribbed knit that folds up or slouches down.' },
          { noun: 'leather belt', priceMinor: 4500, blurb: 'Full-grain leather with a solid brass buckle.' },
          { noun: 'tote bag', priceMinor: 3200, blurb: 'Heavy canvas with an inside pocket for keys.' },
          { noun: 'scarf', priceMinor: 3900, blurb: 'Long enough to wrap twice, soft against the neck.' },
        ],
        styles: ['Waxed', 'Heather', 'Striped'],
        option: { name: 'colour', values: ['Charcoal', 'Navy', 'Mustard'] },
      },
    ],
  },
  {
    slug: 'outdoors',
    name: 'Outdoors',
    leaves: [
      {
        slug: 'camping',
        name: 'Camping',
        seller: BO,
        items: [
          {
            noun: 'two-person tent',
            priceMinor: 24900,
            blurb: 'Pitches in five minutes and sheds a downpour.',
          },
          { noun: 'sleeping bag', priceMinor: 15900, blurb: 'Rated to minus five, with a draught collar.' },
          { noun: 'camp stove', priceMinor: 5900, blurb: 'Boils a litre of water in four minutes.' },
          {
            noun: 'enamel mug',
            priceMinor: 1400,
            blurb: 'Takes the heat of a fire and the knocks of a pack.',
          },
        ],
        styles: ['Ultralight', 'Basecamp', 'Trail'],
        option: { name: 'colour', values: ['Forest', 'Sand'] },
      },
      {
        slug: 'cycling',
        name: 'Cycling',
        seller: BO,
        items: [
          {
            noun: 'bike light set',
            priceMinor: 3900,
            blurb: 'USB-rechargeable front and rear lights, visible at 500 m.',
          },
          {
            noun: 'saddle bag',
            priceMinor: 4900,
            blurb: 'Holds a tube, tools and a jacket under the saddle.',
          },
          {
            noun: 'cycling cap',
            priceMinor: 1900,
            blurb: 'A short peak that keeps sun and drizzle off your glasses.',
          },
          {
            noun: 'water bottle',
            priceMinor: 1600,
            blurb: 'Insulated steel that keeps water cold for a long climb.',
          },
        ],
        styles: ['Commuter', 'Gravel', 'Road'],
        option: { name: 'colour', values: ['Black', 'Orange'] },
      },
    ],
  },
  {
    slug: 'electronics',
    name: 'Electronics',
    leaves: [
      {
        slug: 'audio',
        name: 'Audio',
        seller: CY,
        items: [
          {
            noun: 'wireless headphones',
            priceMinor: 19900,
            blurb: 'Active noise cancelling and thirty hours of battery.',
          },
          {
            noun: 'bookshelf speaker',
            priceMinor: 24900,
            blurb: 'A walnut cabinet with a silk dome tweeter.',
          },
          {
            noun: 'portable speaker',
            priceMinor: 8900,
            blurb: 'Waterproof, with a strap and a surprising low end.',
          },
          { noun: 'turntable', priceMinor: 32900, blurb: 'Belt-driven, with a built-in phono stage.' },
        ],
        styles: ['Studio', 'Retro', 'Compact'],
        option: { name: 'colour', values: ['Black', 'Silver'] },
      },
      {
        slug: 'desk-gear',
        name: 'Desk gear',
        seller: CY,
        items: [
          {
            noun: 'mechanical keyboard',
            priceMinor: 12900,
            blurb: 'Hot-swappable switches and a solid aluminium case.',
          },
          {
            noun: 'monitor stand',
            priceMinor: 7900,
            blurb: 'Lifts a screen to eye level with room for a keyboard below.',
          },
          { noun: 'desk mat', priceMinor: 2900, blurb: 'Felt on top, cork below; quiet under a mouse.' },
          { noun: 'usb hub', priceMinor: 4900, blurb: 'Seven ports and a card reader in a slim case.' },
        ],
        styles: ['Walnut', 'Graphite', 'Minimal'],
        option: { name: 'layout', values: ['Standard', 'Compact'] },
      },
    ],
  },
  {
    slug: 'stationery',
    name: 'Stationery',
    leaves: [
      {
        slug: 'notebooks',
        name: 'Notebooks',
        seller: DEE,
        items: [
          {
            noun: 'dot grid notebook',
            priceMinor: 1800,
            blurb: 'Fountain-pen friendly paper that lies flat.',
          },
          { noun: 'sketchbook', priceMinor: 2200, blurb: 'Heavy paper for pencil, ink and light washes.' },
          { noun: 'weekly planner', priceMinor: 2600, blurb: 'Undated weeks so you can start any Monday.' },
          { noun: 'pocket journal', priceMinor: 1200, blurb: 'Fits a back pocket; stitched binding.' },
        ],
        styles: ['Linen-bound', 'Kraft', 'Leather'],
        option: { name: 'size', values: ['A6', 'A5'] },
      },
      {
        slug: 'writing',
        name: 'Writing',
        seller: DEE,
        items: [
          {
            noun: 'fountain pen',
            priceMinor: 5400,
            blurb: 'A steel nib that glides and a converter for bottled ink.',
          },
          {
            noun: 'bottled ink',
            priceMinor: 1600,
            blurb: 'Rich colour that shades beautifully on good paper.',
          },
          {
            noun: 'mechanical pencil',
            priceMinor: 2200,
            blurb: 'A knurled grip and a 0.5 mm lead that never wobbles.',
          },
          {
            noun: 'brush pen set',
            priceMinor: 1900,
            blurb: 'Flexible tips for lettering and quick sketches.',
          },
        ],
        styles: ['Classic', 'Brass', 'Midnight'],
        option: { name: 'colour', values: ['Blue-black', 'Sepia'] },
      },
      {
        slug: 'prints',
        name: 'Art prints',
        seller: ADA,
        items: [
          {
            noun: 'botanical print',
            priceMinor: 3500,
            blurb: 'Giclée on cotton rag paper, signed and numbered.',
          },
          {
            noun: 'city map print',
            priceMinor: 3900,
            blurb: 'Streets and rivers in fine line, ready for a frame.',
          },
          {
            noun: 'linocut print',
            priceMinor: 4500,
            blurb: 'Carved and pressed by hand, each one slightly different.',
          },
          { noun: 'risograph poster', priceMinor: 2500, blurb: 'Two vivid inks with a gentle grain.' },
        ],
        styles: ['Coastal', 'Alpine', 'Midcentury'],
        option: { name: 'size', values: ['A4', 'A3'] },
      },
    ],
  },
  {
    slug: 'pantry',
    name: 'Pantry',
    leaves: [
      {
        slug: 'tea-coffee',
        name: 'Tea & Coffee',
        seller: ELI,
        items: [
          { noun: 'green tea', priceMinor: 1400, blurb: 'Spring-picked leaves with a sweet, grassy cup.' },
          { noun: 'coffee beans', priceMinor: 1600, blurb: 'Roasted this week; notes of cocoa and cherry.' },
          { noun: 'chai blend', priceMinor: 1200, blurb: 'Black tea with cardamom, ginger and cinnamon.' },
          {
            noun: 'herbal infusion',
            priceMinor: 1100,
            blurb: 'Caffeine-free, for the last cup of the evening.',
          },
        ],
        styles: ['Single-origin', 'Organic', 'Smoky'],
        option: { name: 'weight', values: ['100 g', '250 g'] },
      },
      {
        slug: 'spices',
        name: 'Spices',
        seller: ELI,
        items: [
          { noun: 'smoked paprika', priceMinor: 800, blurb: 'Oak-smoked peppers, ground fine.' },
          { noun: 'sea salt flakes', priceMinor: 700, blurb: 'Pyramid crystals that crunch on a steak.' },
          { noun: 'chilli crisp', priceMinor: 1100, blurb: 'Crunchy shallots and garlic in a deep red oil.' },
          { noun: 'curry powder', priceMinor: 900, blurb: 'Toasted and ground in small batches.' },
        ],
        styles: ['Hot', 'Mild', 'Reserve'],
        option: { name: 'size', values: ['Jar', 'Refill pouch'] },
      },
    ],
  },
];

const PRODUCTS_PER_LEAF = 12;
/** Demo pictures: small enough to make quickly at seed time, big enough for a product card. */
const IMAGE_WIDTH = 400;
const IMAGE_HEIGHT = 300;

const skuPart = (text: string) =>
  text
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '')
    .slice(0, 6);

/**
 * Loads the demo category tree and about two hundred products of the demo shops, with variants,
 * stock and pictures made here (nothing is fetched), through the catalog's use cases.
 */
export async function seedDemoCatalog(
  services: Services,
  sellers: ReadonlyMap<string, Caller>,
): Promise<number> {
  const { catalog, media, config } = services;
  // Seeded, so the demo is the same on every machine.
  const random = seededRandom(2026);
  let created = 0;
  for (const branch of DEMO_TREE) {
    const parent = await catalog.createCategory({ name: branch.name, slug: branch.slug });
    for (const leaf of branch.leaves) {
      const category = await catalog.createCategory({
        name: leaf.name,
        slug: leaf.slug,
        parentId: parent.id,
      });
      const seller = sellers.get(leaf.seller);
      if (!seller) throw new Error(`the demo seller ${leaf.seller} is missing`);
      const combinations = leaf.styles.flatMap((style) => leaf.items.map((item) => ({ style, item })));
      for (const { style, item } of combinations.slice(0, PRODUCTS_PER_LEAF)) {
        const title = `${style} ${item.noun}`;
        const picture = await media.store(
          renderDemoImage({ seed: created + 1, label: title, width: IMAGE_WIDTH, height: IMAGE_HEIGHT }),
        );
        const premium = 1 + Math.floor(random() * 4) / 10;
        await catalog.createProduct(seller, {
          title,
          description: `${item.blurb} ${style} ${item.noun} from ${seller.shop!.name}.`,
          categoryId: category.id,
          taxCategory: leaf.taxCategory ?? null,
          images: [picture.url],
          variants: leaf.option.values.map((value, index) => ({
            sku: `${skuPart(style)}-${skuPart(item.noun)}-${skuPart(value)}`,
            title: value,
            options: { [leaf.option.name]: value },
            price: {
              amount: Math.round((item.priceMinor * premium * (1 + index * 0.1)) / 100) * 100 - 1,
              currency: config.currency,
            },
            // One variant in eight is sold out, so listings show both states.
            stock: random() < 0.125 ? 0 : 1 + Math.floor(random() * 40),
          })),
        });
        created++;
      }
    }
  }
  return created;
}
